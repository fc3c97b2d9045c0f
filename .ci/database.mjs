// Creates, drops or names a database on a PostgreSQL server, for .ci/run.
import pg from 'pg';

const [command, serverUrl, name] = process.argv.slice(2);
if (!/^[a-z0-9_]+$/.test(name ?? '')) throw new Error(`bad database name: ${name}`);

const url = new URL(serverUrl);
if (command === 'url') {
  url.pathname = `/${name}`;
  console.log(url.toString());
} else {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    if (command === 'create') await client.query(`CREATE DATABASE ${name}`);
    else if (command === 'drop') await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else throw new Error(`unknown command ${command}`);
  } finally {
    await client.end();
  }
}
