import { benchScheduler } from './scale.js';
const [n, p] = process.argv.slice(2).map(Number);
benchScheduler(n, p).then((r) => { console.log(r); process.exit(0); });
