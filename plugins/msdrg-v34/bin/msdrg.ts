#!/usr/bin/env node
console.error("msdrg: not built yet")
process.exit(1)
