#!/usr/bin/env node
console.error("sapphire-data: not built yet")
process.exit(1)
