#!/usr/bin/env node
console.log('kfchart');
