// The empty program of bench/startup.mjs: built into one script and run the way kfchart runs its CLI (from V8's code
// cache, bench/run-script.mjs), it does nothing, so its whole-process time is Node's start plus that loader.
export function run() {}
