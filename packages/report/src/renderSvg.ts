/**
 * Vega-Lite → Vega → SVG, headless: no browser, no canvas, no network.
 *
 * @since 0.1.0
 */
import { parse, View } from "vega"
import { compile, type TopLevelSpec } from "vega-lite"

/**
 * Renders one Vega-Lite spec to an SVG string.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderSvg = async (spec: Record<string, unknown>): Promise<string> => {
  const vega = compile(spec as unknown as TopLevelSpec).spec
  // "none": no DOM renderer; toSVG draws the scenegraph to a string itself.
  const view = new View(parse(vega), { renderer: "none" })
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
