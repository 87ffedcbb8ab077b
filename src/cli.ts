// placeholder entry until the CLI lands (see src/cli/)
console.log('sweep-insights');
