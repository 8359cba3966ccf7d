/** Entry of the `gradient-lens` command (bundled to dist/cli.js). */
import { runCli } from './runCli';

const r = runCli(process.argv.slice(2));
process.stdout.write(r.stdout);
process.stderr.write(r.stderr);
process.exitCode = r.code;
