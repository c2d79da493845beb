/**
 * Label-space lookup by normalized title.
 *
 * @since 0.1.0
 */
import { normalizeAnswer, type DrgEntry, type LabelSpace } from "@sapphire-rl/spec"

const indexes = new WeakMap<LabelSpace, ReadonlyMap<string, DrgEntry>>()

/**
 * The entry whose title equals `normalizedTitle` after `normalizeAnswer` (upper case,
 * trimmed, whitespace collapsed). `LabelSpace.byTitle` does not collapse inner whitespace,
 * and two v34 titles (640, 641) carry a double space, so the rewards keep their own index,
 * built once per label space.
 *
 * @since 0.1.0
 * @category utils
 */
export const entryByNormalizedTitle = (labelSpace: LabelSpace, normalizedTitle: string): DrgEntry | undefined => {
  let index = indexes.get(labelSpace)
  if (index === undefined) {
    index = new Map(labelSpace.entries.map((entry) => [normalizeAnswer(entry.title), entry] as const))
    indexes.set(labelSpace, index)
  }
  return index.get(normalizedTitle)
}
