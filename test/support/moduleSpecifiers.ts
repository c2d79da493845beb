/**
 * The module specifiers a TypeScript/JavaScript source file names: static `import … from`,
 * side-effect `import "x"`, `export … from`, type-only forms of each, and dynamic `import(…)`
 * (a non-literal argument is reported as such, since it cannot be checked). A small tokenizer,
 * not a regex over the text, so comments, strings, template literals and regex literals that
 * merely contain the word `import` are not mistaken for imports.
 *
 * @since 0.1.0
 */

/** One specifier with its 1-based line. `specifier` is null for a non-literal `import(expr)`. @since 0.1.0 @category models */
export interface ModuleReference {
  readonly kind: "static" | "dynamic"
  readonly specifier: string | null
  readonly line: number
}

type Token =
  | { readonly t: "word"; readonly v: string; readonly line: number }
  | { readonly t: "string"; readonly v: string; readonly line: number }
  | { readonly t: "punct"; readonly v: string; readonly line: number }

const isIdStart = (c: string): boolean => /[A-Za-z_$]/.test(c)
const isIdPart = (c: string): boolean => /[\w$]/.test(c)

// After these a `/` starts a regex literal; after a word, number, `)` or `]` it divides.
const REGEX_AFTER_WORDS = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"])

const tokenize = (src: string): ReadonlyArray<Token> => {
  const tokens: Array<Token> = []
  let line = 1
  let i = 0
  // Template nesting: each entry counts the open braces of one `${ … }` substitution.
  const templates: Array<number> = []
  const regexAllowed = (): boolean => {
    const prev = tokens[tokens.length - 1]
    if (prev === undefined) return true
    if (prev.t === "string") return false
    if (prev.t === "word") return REGEX_AFTER_WORDS.has(prev.v)
    return !(prev.v === ")" || prev.v === "]" || prev.v === "}")
  }
  const readQuoted = (quote: string): string => {
    const start = i
    let out = ""
    i++
    while (i < src.length && src[i] !== quote) {
      if (src[i] === "\\") {
        out += src[i + 1] ?? ""
        i += 2
        continue
      }
      if (src[i] === "\n") line++
      out += src[i]
      i++
    }
    if (i >= src.length) throw new Error(`unterminated string starting at offset ${start}`)
    i++
    return out
  }
  // Reads template text up to "`" (end) or "${" (a substitution opens); returns which.
  const readTemplateText = (): "end" | "substitution" => {
    while (i < src.length) {
      const c = src[i]
      if (c === "\\") {
        i += 2
        continue
      }
      if (c === "`") {
        i++
        return "end"
      }
      if (c === "$" && src[i + 1] === "{") {
        i += 2
        return "substitution"
      }
      if (c === "\n") line++
      i++
    }
    throw new Error("unterminated template literal")
  }
  const template = (): void => {
    const startLine = line
    if (readTemplateText() === "substitution") templates.push(0)
    tokens.push({ t: "string", v: "`template`", line: startLine })
  }
  while (i < src.length) {
    const c = src[i]!
    if (c === "\n") {
      line++
      i++
    } else if (c === " " || c === "\t" || c === "\r") {
      i++
    } else if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2)
      const stop = end === -1 ? src.length : end + 2
      for (let k = i; k < stop; k++) if (src[k] === "\n") line++
      i = stop
    } else if (c === "'" || c === "\"") {
      const l = line
      tokens.push({ t: "string", v: readQuoted(c), line: l })
    } else if (c === "`") {
      i++
      template()
    } else if (c === "/" && regexAllowed()) {
      // Regex literal: skip to the closing slash outside a character class, then its flags.
      let inClass = false
      i++
      while (i < src.length && src[i] !== "\n") {
        const r = src[i]
        if (r === "\\") i++
        else if (r === "[") inClass = true
        else if (r === "]") inClass = false
        else if (r === "/" && !inClass) break
        i++
      }
      i++
      while (i < src.length && isIdPart(src[i]!)) i++
      tokens.push({ t: "string", v: "/regex/", line })
    } else if (isIdStart(c)) {
      const start = i
      while (i < src.length && isIdPart(src[i]!)) i++
      tokens.push({ t: "word", v: src.slice(start, i), line })
    } else if (/\d/.test(c)) {
      while (i < src.length && /[\w.]/.test(src[i]!)) i++
      tokens.push({ t: "word", v: "0", line })
    } else if (c === "}" && templates.length > 0 && templates[templates.length - 1] === 0) {
      // Closes a `${ … }` substitution: back into the template's text.
      templates.pop()
      i++
      template()
    } else {
      if (templates.length > 0) {
        if (c === "{") templates[templates.length - 1]!++
        else if (c === "}") templates[templates.length - 1]!--
      }
      tokens.push({ t: "punct", v: c === "." && src[i + 1] === "." && src[i + 2] === "." ? "..." : c, line })
      i += tokens[tokens.length - 1]!.v.length
    }
  }
  return tokens
}

// Tokens that may appear between `import`/`export` and `from` in a declaration's clause.
const isClauseToken = (tok: Token): boolean =>
  tok.t === "word" || (tok.t === "punct" && ["{", "}", ",", "*"].includes(tok.v)) ||
  (tok.t === "string" && tok.v !== "`template`" && tok.v !== "/regex/")

/**
 * Every module specifier `source` names, in order. Throws on text the tokenizer cannot read
 * (an unterminated string or template).
 *
 * @since 0.1.0
 * @category parsing
 */
export const moduleReferences = (source: string): ReadonlyArray<ModuleReference> => {
  const tokens = tokenize(source)
  const found: Array<ModuleReference> = []
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!
    if (tok.t !== "word" || (tok.v !== "import" && tok.v !== "export")) continue
    const prev = tokens[k - 1]
    if (prev?.t === "punct" && prev.v === ".") continue // obj.import
    const next = tokens[k + 1]
    if (tok.v === "import" && next?.t === "punct" && next.v === ".") continue // import.meta
    if (tok.v === "import" && next?.t === "punct" && next.v === "(") {
      const arg = tokens[k + 2]
      const close = tokens[k + 3]
      const literal = arg?.t === "string" && arg.v !== "`template`" && arg.v !== "/regex/" &&
        close?.t === "punct" && (close.v === ")" || close.v === ",")
      found.push({ kind: "dynamic", specifier: literal ? arg.v : null, line: tok.line })
      continue
    }
    if (tok.v === "import" && next?.t === "string") {
      found.push({ kind: "static", specifier: next.v, line: tok.line })
      continue
    }
    // import/export clause … from "x": scan the clause; anything else (export const, a local
    // `export { a }` followed by other code) ends without a `from` + string.
    let j = k + 1
    while (j < tokens.length) {
      const t = tokens[j]!
      if (t.t === "word" && t.v === "from" && tokens[j + 1]?.t === "string") {
        found.push({ kind: "static", specifier: tokens[j + 1]!.v, line: tok.line })
        break
      }
      if (!isClauseToken(t) || (t.t === "word" && ["const", "let", "var", "function", "class", "interface", "enum", "declare", "abstract", "async", "default", "import", "export"].includes(t.v))) break
      // `export { a }` with no from: the clause ended at its brace.
      if (t.t === "punct" && t.v === "}" && !(tokens[j + 1]?.t === "word" && tokens[j + 1]!.v === "from")) break
      j++
    }
  }
  return found
}
