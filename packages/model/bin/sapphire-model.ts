#!/usr/bin/env node
console.error("sapphire-model: not built yet")
process.exit(1)
