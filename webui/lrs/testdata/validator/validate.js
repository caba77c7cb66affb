// Reads a JSON array of xAPI statements on stdin and prints, as JSON, the
// problems Learning Locker's validator finds in each: [[warning, ...], ...].
const validate = require('@learninglocker/xapi-validation').default;
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const statements = JSON.parse(input);
  const problems = statements.map((s) => validate(s).map((w) => ({
    path: (w.path || []).join('.'),
    message: String(w.message || w.constructor.name),
    kind: w.constructor.name,
  })));
  process.stdout.write(JSON.stringify(problems));
});
