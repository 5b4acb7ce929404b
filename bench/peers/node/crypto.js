// Opens the pushes of `crypto gen` with wechat-crypto as node-webot's `wechat` middleware does: the
// query string parsed, the envelope parsed with xml2js, getSignature compared with msg_signature,
// decrypt (base64, AES-256-CBC, PKCS#7), the receive id compared with the appid, the decrypted XML
// parsed with xml2js and flattened (formatMessage) — and the ticket compared with the expected one.
//
// Usage: node crypto.js PUSHES.jsonl [REPS]   prints one JSON line (µs per push of each pass).
'use strict';
const fs = require('fs');
const WXBizMsgCrypt = require('wechat-crypto');
const xml2js = require('xml2js');

// xml2js calls back synchronously unless `async: true`; the check makes sure of it.
function parseXml(xml) {
  let out;
  xml2js.parseString(xml, { trim: true }, (err, result) => {
    if (err) throw err;
    out = result;
  });
  if (out === undefined) throw new Error('xml2js did not call back synchronously');
  return out;
}

// node-webot's formatMessage: one-element arrays become their value.
function formatMessage(result) {
  const message = {};
  for (const key of Object.keys(result)) {
    const value = result[key];
    message[key] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return message;
}

function main() {
  const [path, repsArg] = process.argv.slice(2);
  const reps = Number(repsArg || 5);
  const lines = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const platform = JSON.parse(lines[0]);
  const pushes = lines.slice(1).map((l) => JSON.parse(l));
  const cryptor = new WXBizMsgCrypt(platform.token, platform.encoding_aes_key, platform.appid);

  const onePass = () => {
    for (const push of pushes) {
      const query = new URLSearchParams(push.query);
      const envelope = formatMessage(parseXml(push.body).xml);
      const signature = cryptor.getSignature(query.get('timestamp'), query.get('nonce'), envelope.Encrypt);
      if (signature !== query.get('msg_signature')) throw new Error('invalid msg_signature');
      const decrypted = cryptor.decrypt(envelope.Encrypt);
      if (decrypted.id !== platform.appid) throw new Error(`push for ${decrypted.id}, not ${platform.appid}`);
      const message = formatMessage(parseXml(decrypted.message).xml);
      if (message.InfoType !== 'component_verify_ticket' || message.ComponentVerifyTicket !== push.ticket) {
        throw new Error(`push did not open to its ticket: ${JSON.stringify(message)}`);
      }
    }
  };

  onePass(); // warm-up (and the JIT)
  const usPerOp = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    onePass();
    usPerOp.push(Number(process.hrtime.bigint() - t0) / 1e3 / pushes.length);
  }
  const version = (name) => require(`${name}/package.json`).version;
  const name = `wechat-crypto ${version('wechat-crypto')} + xml2js ${version('xml2js')} (node ${process.versions.node})`;
  console.log(JSON.stringify({ impl: name, pushes: pushes.length, us_per_op: usPerOp }));
}

main();
