import { describe, expect, it } from "vitest"
import { normalizeAnswer, parseCompletion } from "../src/index.ts"

const answerOf = (text: string): string | null => {
  const parsed = parseCompletion(text)
  return parsed.ok ? parsed.answer : null
}

describe("parseCompletion", () => {
  it("reads the reasoning and the answer of a well-formed completion", () => {
    const parsed = parseCompletion("<think>\nreasoning\n</think>\n<answer>\nHEART FAILURE AND SHOCK WITH MCC\n</answer>\n")
    expect(parsed).toEqual({
      ok: true,
      think: "\nreasoning\n",
      answer: "\nHEART FAILURE AND SHOCK WITH MCC\n",
      normalizedAnswer: "HEART FAILURE AND SHOCK WITH MCC"
    })
  })
  it("allows leading and trailing whitespace, CRLF line ends and newlines inside the blocks", () => {
    expect(answerOf("  \r\n<think>a\r\nb</think>\r\n<answer>\r\nX\r\n</answer>\r\n")).toBe("\r\nX\r\n")
  })
  it("rejects text after </answer>, text before <think> and text between the blocks", () => {
    expect(parseCompletion("<think>a</think><answer>X</answer> thanks").ok).toBe(false)
    expect(parseCompletion("so <think>a</think><answer>X</answer>").ok).toBe(false)
    expect(parseCompletion("<think>a</think> so <answer>X</answer>").ok).toBe(false)
  })
  it("rejects two answer blocks and nested answer tags", () => {
    expect(parseCompletion("<think>a</think><answer>X</answer><answer>Y</answer>").ok).toBe(false)
    expect(parseCompletion("<think>a</think><answer><answer>X</answer></answer>").ok).toBe(false)
  })
  it("takes the final answer block, not an answer tag inside the reasoning", () => {
    expect(answerOf("<think>maybe <answer>X</answer>, no</think><answer>Y</answer>")).toBe("Y")
  })
  it("extends the reasoning past an early </think> when the rest does not fit (as the regex does)", () => {
    expect(parseCompletion("<think>a</think>b</think><answer>Y</answer>")).toMatchObject({ ok: true, think: "a</think>b" })
  })
  it("accepts an empty answer block (the accuracy reward scores it)", () => {
    expect(parseCompletion("<think></think><answer>  </answer>")).toMatchObject({ ok: true, normalizedAnswer: "" })
  })
  it("is case-sensitive in its tags, as the reference regex is", () => {
    expect(parseCompletion("<THINK>a</THINK><ANSWER>X</ANSWER>").ok).toBe(false)
  })
})

describe("normalizeAnswer", () => {
  it("upper-cases, trims and collapses whitespace", () => {
    expect(normalizeAnswer("  heart\tfailure \r\n and  shock ")).toBe("HEART FAILURE AND SHOCK")
  })
})
