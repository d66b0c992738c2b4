/** The worker's IndexedDB store of key pairs. Private keys are non-extractable `CryptoKey`s. */
import { openDB, type IDBPDatabase } from 'idb';

let db: Promise<IDBPDatabase> | undefined;

const open = () =>
  (db ??= openDB('threadline-keys', 1, {
    upgrade(database) {
      database.createObjectStore('keys');
    },
  }));

export async function loadKey(name: string): Promise<CryptoKeyPair | undefined> {
  return (await open()).get('keys', name);
}

export async function saveKey(name: string, keyPair: CryptoKeyPair): Promise<void> {
  await (await open()).put('keys', keyPair, name);
}

export async function deleteKey(name: string): Promise<void> {
  await (await open()).delete('keys', name);
}
