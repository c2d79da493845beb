/**
 * The plugin version, read from this package's own package.json (a self-reference through
 * its `exports`), so it cannot drift from what `changeset version` writes.
 *
 * @since 0.1.0
 */
import pkg from "@sapphire-rl/plugin-cognitive/package.json" with { type: "json" }

/**
 * This package's version; every plugin it makes carries it.
 *
 * @since 0.1.0
 * @category constants
 */
export const PLUGIN_VERSION: string = pkg.version
