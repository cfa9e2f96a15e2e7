module.exports = { ...require('../../jest.preset.js'), displayName: 'sweep' };
