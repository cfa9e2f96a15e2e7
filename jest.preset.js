// Shared jest settings: TypeScript through SWC, and every @sparse-ternary/* import resolved to the
// package's source so tests never run against a stale build.
const path = require('node:path');

module.exports = {
  testEnvironment: path.join(__dirname, 'tools/jest/single-realm-environment.js'),
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@sparse-ternary/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    // Subpath entries (@sparse-ternary/runtime/pack) are src/entries/<name>.ts.
    '^@sparse-ternary/([a-z-]+)/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/entries/$2.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Room for a machine shared with other work (jest's 5 s is not); tests that train set their own.
  testTimeout: 30_000,
};
