// Shared helpers for the @huggingface/hub compatibility suite.
//
// The Java harness starts an Arbor hub and sets:
//   ARBOR_URL          base URL of the hub (used as `hubUrl`), e.g. http://127.0.0.1:18082
//   ARBOR_USER         user owning ARBOR_TOKEN / ARBOR_READ_TOKEN
//   ARBOR_TOKEN        write token of ARBOR_USER (hf_...)
//   ARBOR_READ_TOKEN   read-only token of ARBOR_USER (hf_...)
//   ARBOR_OTHER_USER   a second, non-admin user
//   ARBOR_OTHER_TOKEN  write token of ARBOR_OTHER_USER (hf_...)
// Optional: ARBOR_COMPAT_DEBUG=1 logs every HTTP exchange (method, URL, status, X-Error-*) to stderr.

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { commit, createRepo, deleteRepo, HubApiError } from "@huggingface/hub";

function requireEnv(name) {
	const value = process.env[name];
	if (!value) {
		throw new Error(`environment variable ${name} is not set (the Java harness sets ARBOR_URL, ARBOR_USER, ` +
			`ARBOR_TOKEN, ARBOR_READ_TOKEN, ARBOR_OTHER_USER, ARBOR_OTHER_TOKEN)`);
	}
	return value;
}

export const HUB_URL = requireEnv("ARBOR_URL").replace(/\/+$/, "");
export const USER = requireEnv("ARBOR_USER");
export const TOKEN = requireEnv("ARBOR_TOKEN");
export const READ_TOKEN = requireEnv("ARBOR_READ_TOKEN");
export const OTHER_USER = requireEnv("ARBOR_OTHER_USER");
export const OTHER_TOKEN = requireEnv("ARBOR_OTHER_TOKEN");

if (process.env.ARBOR_COMPAT_DEBUG) {
	// Debug only: the library calls the global `fetch` when no `fetch` option is given,
	// so wrapping it logs every request without changing how the tests call the library.
	const realFetch = globalThis.fetch;
	globalThis.fetch = async (input, init = {}) => {
		const method = init.method ?? (input instanceof Request ? input.method : "GET");
		const url = input instanceof Request ? input.url : String(input);
		const headers = new Headers(init.headers);
		const shown = ["range", "content-type"].filter((h) => headers.has(h)).map((h) => `${h}: ${headers.get(h)}`);
		const res = await realFetch(input, init);
		const err = [res.headers.get("x-error-code"), res.headers.get("x-error-message")].filter(Boolean).join(" / ");
		process.stderr.write(`[http] ${method} ${url} ${shown.join("; ")} -> ${res.status}${err ? ` (${err})` : ""}\n`);
		return res;
	};
}

/** A fresh random suffix, safe for repo names ([a-z0-9]). */
export function randomSuffix(len = 10) {
	return randomBytes(16).toString("hex").slice(0, len);
}

/** `${owner}/compat-js-${label}-${random}` */
export function uniqueRepoName(label = "repo", owner = USER) {
	return `${owner}/compat-js-${label}-${randomSuffix()}`;
}

/** A fake token with the right prefix that the hub never issued. */
export function bogusToken() {
	return `hf_${randomBytes(24).toString("hex").slice(0, 34)}`;
}

/**
 * Creates a repo with the REAL createRepo and registers its deletion when the test `t` ends.
 * Returns `{ repo, name, repoUrl, id }` where `repo` is `{ type, name }`.
 */
export async function makeRepo(t, { type = "model", label = type, owner = USER, token = TOKEN, ...extra } = {}) {
	const name = uniqueRepoName(label, owner);
	const repo = { type, name };
	const res = await createRepo({ repo, accessToken: token, hubUrl: HUB_URL, ...extra });
	t.after(async () => {
		try {
			await deleteRepo({ repo, accessToken: token, hubUrl: HUB_URL });
		} catch (err) {
			// 404: the test already deleted it. Anything else is worth seeing but must not mask the test result.
			if (!(err instanceof HubApiError && err.statusCode === 404)) {
				process.stderr.write(`cleanup of ${type} ${name} failed: ${err?.message ?? err}\n`);
			}
		}
	});
	return { repo, name, ...res };
}

/** Asserts that `promiseOrFn` rejects with a HubApiError whose statusCode is one of `statuses`. Returns the error. */
export async function expectHubError(promiseOrFn, statuses, what = "call") {
	const allowed = Array.isArray(statuses) ? statuses : [statuses];
	let error;
	try {
		await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
	} catch (err) {
		error = err;
	}
	assert.ok(error !== undefined, `${what}: expected a HubApiError with status ${allowed.join("/")}, but it succeeded`);
	assert.ok(error instanceof HubApiError,
		`${what}: expected a HubApiError, got ${error?.constructor?.name}: ${error?.message}`);
	assert.ok(allowed.includes(error.statusCode),
		`${what}: expected status ${allowed.join("/")}, got ${error.statusCode} (${error.message})`);
	return error;
}

export function sha256Hex(bytes) {
	return createHash("sha256").update(bytes).digest("hex");
}

/** Git blob id: sha1("blob <len>\0" + content). */
export function gitBlobSha1(bytes) {
	const buf = Buffer.from(bytes);
	return createHash("sha1").update(`blob ${buf.length}\0`).update(buf).digest("hex");
}

/** The exact git-lfs pointer text the hub stores for an LFS file. */
export function lfsPointer(bytes) {
	return `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256Hex(bytes)}\nsize ${bytes.length}\n`;
}

export async function blobBytes(blob) {
	assert.ok(blob, "expected a Blob, got null");
	return Buffer.from(await blob.arrayBuffer());
}

export async function collect(asyncIterable) {
	const out = [];
	for await (const item of asyncIterable) {
		out.push(item);
	}
	return out;
}

export const SHA1_RE = /^[0-9a-f]{40}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;

/** Random binary content: never valid UTF-8 text, contains NUL bytes. */
export function binaryBytes(size) {
	const buf = randomBytes(size);
	buf[0] = 0;
	buf[1] = 0xff;
	return buf;
}

/** Common options every call gets. */
export const hub = { hubUrl: HUB_URL };
export const auth = { hubUrl: HUB_URL, accessToken: TOKEN };

/**
 * Creates a model (or dataset) repo and commits a fixed set of files with the real `commit`:
 * two regular text files (one nested two levels deep), one small JSON and one >1 MB binary that must go to LFS.
 * Returns { repo, name, files: {path: Buffer}, commitOid, title, lfsPath }.
 */
export async function seedRepo(t, { type = "model", label = "seed", token = TOKEN, ...createExtra } = {}) {
	const created = await makeRepo(t, { type, label, token, ...createExtra });
	const files = {
		"config.json": Buffer.from(JSON.stringify({ model_type: "bert", hidden_size: 8, tag: randomSuffix() }, null, 2) + "\n"),
		"notes.txt": Buffer.from(`plain text ${randomSuffix()}\n`),
		"docs/guide/intro.md": Buffer.from(`# Intro\n\nA nested file ${randomSuffix()}.\n`),
		"weights/model.bin": binaryBytes(1_200_000),
	};
	const title = `Seed files ${randomSuffix(6)}`;
	const out = await commit({
		hubUrl: HUB_URL,
		accessToken: token,
		repo: created.repo,
		title,
		operations: Object.entries(files).map(([path, bytes]) => ({
			operation: "addOrUpdate",
			path,
			content: new Blob([bytes]),
		})),
	});
	assert.ok(out, "commit returned no output");
	assert.match(out.commit.oid, SHA1_RE, "commit oid must be a 40-hex sha");
	return { ...created, files, commitOid: out.commit.oid, commitUrl: out.commit.url, title, lfsPath: "weights/model.bin" };
}
