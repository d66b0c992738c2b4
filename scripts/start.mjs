// `npm start`: builds what is missing, then runs the demo (relay + shop + console) on one origin.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const outputs = ['widget/dist/threadline.js', 'widget/dist/frame/index.html', 'console/dist/app.js', 'server/dist/index.js', 'demo-site/dist/start.js'];
if (outputs.some((file) => !existsSync(new URL(`../${file}`, import.meta.url)))) {
  console.log('Building Threadline (first start)…');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import('../demo-site/dist/start.js');
