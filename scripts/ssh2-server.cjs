'use strict';
// What cpud takes from ssh2, for the one-connection bundle
// (scripts/build-bundle.mjs aliases `ssh2` to this file). ssh2's
// index.js also loads its client, agents and HTTP agents (with node:http
// and node:https), which a server never uses and which cost a fifth of the
// role's start. The key generator is loaded on first use: only a start
// without -hostkey that finds no host key needs it.
const { parseKey } = require('ssh2/lib/protocol/keyParser.js');

module.exports = {
  Server: require('ssh2/lib/server.js'),
  utils: {
    parseKey,
    generateKeyPairSync: (...args) => require('ssh2/lib/keygen.js').generateKeyPairSync(...args),
  },
};
