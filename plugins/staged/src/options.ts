/**
 * The plugin options builder (Standard Schema, defaults, field-naming messages), from the
 * spec so that every plugin shares one implementation.
 *
 * @since 0.1.0
 */
export * from "@sapphire-rl/spec/options"
