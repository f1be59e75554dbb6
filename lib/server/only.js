// `import '#server-only'` marks a module that must never reach a browser. package.json maps the name to
// nothing under the "browser" condition, so a browser bundle that pulls such a module in fails to build;
// everywhere else (the server process, scripts, tests) it is this empty module. The `server-only`
// package would do the same in bundles but throws in plain Node, where server.ts runs.
export {};
