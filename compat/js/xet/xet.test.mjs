// @huggingface/hub with Xet (useXet is its default) against a hub with Xet on: uploads go through
// the LFS batch's "xet" answer to the CAS, downloads through the fileinfo answer of resolve,
// reconstructions and xorb ranges. Run by ClientCompatIT against its second, Xet-enabled hub, with
//   ARBOR_URL, ARBOR_USER, ARBOR_TOKEN   as for the main suite
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createRepo, downloadFile, fileDownloadInfo, listFiles, uploadFile } from "@huggingface/hub";

const HUB_URL = process.env.ARBOR_URL.replace(/\/+$/, "");
const auth = { hubUrl: HUB_URL, accessToken: process.env.ARBOR_TOKEN };
const MIB = 1024 * 1024;

/** A fetch that records method, URL and request body size of every call. */
function recordingFetch() {
	const calls = [];
	const fetcher = async (input, init = {}) => {
		const url = input instanceof Request ? input.url : String(input);
		const method = init.method ?? (input instanceof Request ? input.method : "GET");
		const body = init.body;
		const sent = body == null ? 0 : body.byteLength ?? body.size ?? (typeof body === "string" ? body.length : 0);
		const res = await fetch(input, init);
		calls.push({ method, url: new URL(url).pathname, status: res.status, sent });
		return res;
	};
	return { calls, fetch: fetcher };
}

function sha256(bytes) {
	return createHash("sha256").update(bytes).digest("hex");
}

async function bytesOf(blob) {
	return Buffer.from(await blob.arrayBuffer());
}

describe("Xet with @huggingface/hub", () => {
	const repo = `${process.env.ARBOR_USER}/compat-js-xet-${randomBytes(4).toString("hex")}`;
	const first = randomBytes(6 * MIB + 321);
	const second = Buffer.from(first);
	randomBytes(second.length / 10).copy(second, Math.floor(second.length / 3));   // 10% of the bytes change
	let firstCommit;

	it("uploads a model through the CAS, not LFS, and commits it as an LFS file", async () => {
		await createRepo({ ...auth, repo });
		const rec = recordingFetch();
		const out = await uploadFile({ ...auth, repo, fetch: rec.fetch, file: { path: "model.bin", content: new Blob([first]) } });
		firstCommit = out.commit.oid;
		const batch = rec.calls.find((c) => c.url.endsWith(".git/info/lfs/objects/batch"));
		assert.ok(batch, "the LFS batch is asked first");
		assert.ok(rec.calls.some((c) => c.method === "POST" && c.url.startsWith("/xet/v1/xorbs/") && c.status === 200),
			`xorbs go to the CAS: ${JSON.stringify(rec.calls)}`);
		assert.ok(rec.calls.some((c) => c.method === "POST" && c.url === "/xet/v1/shards" && c.status === 200));
		assert.ok(!rec.calls.some((c) => c.url.startsWith("/api/lfs/upload")), "no plain LFS upload");

		const [entry] = await collect(listFiles({ ...auth, repo }), (e) => e.path === "model.bin");
		assert.equal(entry.lfs.oid, sha256(first), "the file is an LFS object of its SHA-256");
		assert.match(entry.xetHash, /^[0-9a-f]{64}$/);
	});

	it("a second revision with 10% changed sends about what changed", async () => {
		const rec = recordingFetch();
		await uploadFile({ ...auth, repo, fetch: rec.fetch, file: { path: "model.bin", content: new Blob([second]) } });
		const xorbBytes = rec.calls.filter((c) => c.url.startsWith("/xet/v1/xorbs/")).reduce((n, c) => n + c.sent, 0);
		assert.ok(xorbBytes > 0, "the changed chunks are sent");
		assert.ok(xorbBytes < second.length * 0.25, `sent ${xorbBytes} bytes of xorbs for a ${second.length}-byte file`);
	});

	it("downloads both revisions through Xet, byte for byte", async () => {
		for (const [revision, content] of [[firstCommit, first], ["main", second]]) {
			const info = await fileDownloadInfo({ ...auth, repo, path: "model.bin", revision });
			assert.ok(info.xet, `resolve answers the Xet file info: ${JSON.stringify(info)}`);
			assert.equal(info.size, content.length);
			const rec = recordingFetch();
			const blob = await downloadFile({ ...auth, repo, path: "model.bin", revision, fetch: rec.fetch });
			const got = await bytesOf(blob);
			assert.equal(sha256(got), sha256(content));
			assert.ok(rec.calls.some((c) => c.url.startsWith("/xet/v2/reconstructions/")),
				`read through a reconstruction: ${JSON.stringify(rec.calls)}`);
			assert.ok(rec.calls.some((c) => c.url.startsWith("/xet/v1/xorb-data/")), "and xorb ranges");
		}
		const plain = await downloadFile({ ...auth, repo, path: "model.bin", xet: false });
		assert.equal(sha256(await bytesOf(plain)), sha256(second), "clients without Xet read the same bytes");
	});
});

async function collect(iterable, keep) {
	const out = [];
	for await (const item of iterable) {
		if (keep(item)) {
			out.push(item);
		}
	}
	return out;
}
