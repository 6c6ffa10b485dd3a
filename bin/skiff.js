#!/usr/bin/env -S node --max-semi-space-size=1
require('../dist/skiff.js');
