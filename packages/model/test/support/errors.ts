import { expect } from "vitest"
import { ModelFileError } from "../../src/index.ts"

/** The ModelFileError that `f` throws; fails the test if it throws something else or nothing. */
export const fileErrorOf = (f: () => unknown): ModelFileError => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError)
    return e as ModelFileError
  }
  throw new Error("expected a ModelFileError")
}

/** The ModelFileError that `p` rejects with; fails the test if it rejects with something else or resolves. */
export const fileRejectionOf = async (p: Promise<unknown>): Promise<ModelFileError> => {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError)
    return e as ModelFileError
  }
  throw new Error("expected a ModelFileError")
}
