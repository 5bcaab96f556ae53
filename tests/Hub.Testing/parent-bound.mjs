// Runs a Node CLI from node_modules (Azurite, MailDev) in this very process on behalf of a test process, and exits as
// soon as that process is gone. dotnet test tears its test host down without running AppDomain.ProcessExit, so a
// server that waited to be killed outlived every run.
// Usage: node parent-bound.mjs <parent pid> <entry script> [arguments of the script...]
import { pathToFileURL } from 'node:url';

const [parentPid, entry, ...args] = process.argv.slice(2);
const parent = Number(parentPid);
const exit = () => process.exit(0);

// The parent holds the other end of stdin: the system closes it however the parent ends, SIGKILL included.
process.stdin.on('end', exit).on('close', exit).on('error', exit).resume();
// Should the pipe outlive the parent all the same (a descendant holding it), the parent's pid is looked at too.
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch (e) {
    if (e.code === 'ESRCH') exit();
  }
}, 1000).unref();

// The script reads its options from process.argv as if it had been started itself.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
