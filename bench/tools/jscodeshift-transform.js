// A jscodeshift transform equivalent to three authfix rules (S001, C001, P001/P002): it finds
// the same code (and changes nothing), for bench/run.sh.
module.exports = function transform(file, api) {
  const j = api.jscodeshift;
  const root = j(file.source);
  let found = 0;
  root.find(j.CallExpression, { callee: { name: "getServerSession" } }).filter((p) => p.node.arguments.length === 0).forEach(() => found++);
  root
    .find(j.ObjectProperty, { key: { name: "useSecureCookies" } })
    .filter((p) => j(p.get("value")).find(j.MemberExpression, { property: { name: "NODE_ENV" } }).size() > 0)
    .forEach(() => found++);
  root.find(j.JSXElement, { openingElement: { name: { name: "SessionProvider" } } }).forEach(() => found++);
  if (found) api.report(`${file.path}: ${found}`);
  return undefined;
};
