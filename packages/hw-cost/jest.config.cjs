module.exports = { ...require('../../jest.preset.js'), displayName: 'hw-cost' };
