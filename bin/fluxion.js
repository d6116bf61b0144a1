#!/usr/bin/env node
import '../dist/runner/cli.js';
