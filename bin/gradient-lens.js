#!/usr/bin/env node
// The `gradient-lens` command: runs the bundled CLI (built by `npm ci` through the prepare script).
require('../dist/cli.js');
