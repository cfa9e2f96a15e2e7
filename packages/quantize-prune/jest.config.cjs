module.exports = { ...require('../../jest.preset.js'), displayName: 'quantize-prune' };
