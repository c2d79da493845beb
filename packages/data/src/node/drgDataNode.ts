/**
 * A DrgData layer read from a file (Node only).
 */
import type { LabelSpace } from "@sapphire-rl/spec"
import { Effect, Layer } from "effect"
import type { DataReadError } from "../DataReadError.ts"
import { DrgData } from "../DrgData.ts"
import { type DataFormat, type FileReadError, readRecordsFile } from "./readFilesNode.ts"

/** Reads DRG-LLaMA CSV, DRG-Sapphire CSV or JSONL into the DrgData service; bad rows fail the layer. */
export const drgDataFromFile = (
  file: string,
  labelSpace: LabelSpace,
  format?: DataFormat
): Layer.Layer<DrgData, DataReadError | FileReadError> =>
  Layer.effect(
    DrgData,
    Effect.map(readRecordsFile(file, labelSpace, format), ({ records, report }) => ({ source: file, records, report }))
  )
