var __webpack_exports__ = {};
// placeholder entry until the CLI lands (see src/cli/)
console.log('sweep-insights');


