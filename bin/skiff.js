#!/usr/bin/env node
require('../dist/skiff.js');
