// listFiles / pathsInfo / downloadFile / fileDownloadInfo / fileExists / snapshotDownload.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, stat, lstat } from "node:fs/promises";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";
import {
	listFiles, pathsInfo, downloadFile, fileDownloadInfo, fileExists, snapshotDownload, uploadFiles, commit,
} from "@huggingface/hub";
import {
	HUB_URL, hub, auth, seedRepo, expectHubError, gitBlobSha1, sha256Hex, blobBytes, collect, SHA1_RE,
} from "./helpers.mjs";

const byPath = (entries) => Object.fromEntries(entries.map((e) => [e.path, e]));

describe("listFiles", () => {
	it("non-recursive root listing: direct children only, files and directories", async (t) => {
		const s = await seedRepo(t, { label: "ls-root" });
		const entries = await collect(listFiles({ ...auth, repo: s.repo }));
		const m = byPath(entries);
		assert.equal(m["config.json"]?.type, "file");
		assert.equal(m["config.json"].size, s.files["config.json"].length);
		assert.equal(m["config.json"].oid, gitBlobSha1(s.files["config.json"]));
		assert.equal(m["notes.txt"]?.type, "file");
		assert.equal(m["docs"]?.type, "directory");
		assert.match(m["docs"].oid ?? "", SHA1_RE, "directories carry their tree oid");
		assert.equal(m["weights"]?.type, "directory");
		assert.deepEqual(entries.filter((e) => e.path.includes("/")), [], "no nested entries without recursive");
		assert.equal(new Set(entries.map((e) => e.path)).size, entries.length, "no duplicates");
		// Anonymous gives the same listing for a public repo.
		const anon = await collect(listFiles({ ...hub, repo: s.repo }));
		assert.deepEqual(anon.map((e) => e.path).sort(), entries.map((e) => e.path).sort());
	});

	it("recursive listing: every file and every directory, paths from the repo root", async (t) => {
		const s = await seedRepo(t, { label: "ls-rec" });
		const entries = await collect(listFiles({ ...auth, repo: s.repo, recursive: true }));
		const m = byPath(entries);
		for (const [path, bytes] of Object.entries(s.files)) {
			assert.equal(m[path]?.type, "file", `${path} listed as file`);
			assert.equal(m[path].size, bytes.length, `${path} size`);
		}
		for (const dir of ["docs", "docs/guide", "weights"]) {
			assert.equal(m[dir]?.type, "directory", `${dir} listed as directory: ${Object.keys(m)}`);
		}
		assert.equal(m["weights/model.bin"].lfs?.oid, sha256Hex(s.files["weights/model.bin"]));
		assert.equal(m["notes.txt"].lfs, undefined);
		assert.equal(new Set(entries.map((e) => e.path)).size, entries.length, "no duplicates");
	});

	it("listing a nested path returns full paths; a file-less subtree is a directory entry", async (t) => {
		const s = await seedRepo(t, { label: "ls-path" });
		const docs = await collect(listFiles({ ...auth, repo: s.repo, path: "docs" }));
		assert.deepEqual(docs.map((e) => [e.path, e.type]), [["docs/guide", "directory"]]);
		const docsRec = await collect(listFiles({ ...auth, repo: s.repo, path: "docs", recursive: true }));
		assert.deepEqual(docsRec.map((e) => [e.path, e.type]).sort(),
			[["docs/guide", "directory"], ["docs/guide/intro.md", "file"]]);
		const guide = await collect(listFiles({ ...auth, repo: s.repo, path: "docs/guide" }));
		assert.equal(guide.length, 1);
		assert.equal(guide[0].path, "docs/guide/intro.md");
		assert.equal(guide[0].size, s.files["docs/guide/intro.md"].length);
		assert.equal(guide[0].oid, gitBlobSha1(s.files["docs/guide/intro.md"]));
	});

	it("listing a missing folder fails with 404", async (t) => {
		const s = await seedRepo(t, { label: "ls-missing" });
		await expectHubError(collect(listFiles({ ...auth, repo: s.repo, path: "no/such/dir" })), 404, "listFiles(missing path)");
		await expectHubError(collect(listFiles({ ...auth, repo: s.repo, revision: "no-such-rev" })), 404,
			"listFiles(missing revision)");
	});

	it("expand: true gives each entry its last commit", async (t) => {
		const s = await seedRepo(t, { label: "ls-expand" });
		const second = await uploadFiles({
			...auth, repo: s.repo, commitTitle: "Touch notes", files: [{ path: "notes.txt", content: new Blob(["v2\n"]) }],
		});
		const entries = await collect(listFiles({ ...auth, repo: s.repo, recursive: true, expand: true }));
		const m = byPath(entries);
		for (const e of entries.filter((x) => x.type === "file")) {
			assert.ok(e.lastCommit, `${e.path} has lastCommit: ${JSON.stringify(e)}`);
			assert.match(e.lastCommit.id, SHA1_RE);
			assert.equal(typeof e.lastCommit.title, "string");
			assert.match(e.lastCommit.date, /Z$/, "dates are ISO-8601 UTC ending in Z");
			assert.ok(!Number.isNaN(new Date(e.lastCommit.date).getTime()));
		}
		assert.equal(m["notes.txt"].lastCommit.id, second.commit.oid);
		assert.equal(m["notes.txt"].lastCommit.title, "Touch notes");
		assert.equal(m["config.json"].lastCommit.id, s.commitOid);
		assert.equal(m["config.json"].lastCommit.title, s.title);
		assert.equal(m["weights/model.bin"].lastCommit.id, s.commitOid);
	});

	it("follows Link pagination: a folder with 130 files, with and without expand", async (t) => {
		const s = await seedRepo(t, { label: "ls-many" });
		const names = Array.from({ length: 130 }, (_, i) => `many/file-${String(i).padStart(3, "0")}.txt`);
		const out = await commit({
			...auth, repo: s.repo, title: "Add many files",
			operations: names.map((path) => ({ operation: "addOrUpdate", path, content: new Blob([path]) })),
		});
		for (const expand of [false, true]) {
			const entries = await collect(listFiles({ ...auth, repo: s.repo, path: "many", expand }));
			assert.deepEqual(entries.map((e) => e.path).sort(), names, `expand=${expand}: every file exactly once`);
			if (expand) {
				assert.ok(entries.every((e) => e.lastCommit?.id === out.commit.oid), "lastCommit on every page");
			}
		}
		const all = await collect(listFiles({ ...auth, repo: s.repo, recursive: true, expand: true }));
		assert.equal(new Set(all.map((e) => e.path)).size, all.length, "no duplicates across pages");
		assert.ok(all.some((e) => e.path === "docs/guide/intro.md"));
		assert.equal(all.filter((e) => e.path.startsWith("many/")).length, 130);
	});

	it("lists an older revision by commit sha", async (t) => {
		const s = await seedRepo(t, { label: "ls-rev" });
		await uploadFiles({ ...auth, repo: s.repo, files: [{ path: "later.txt", content: new Blob(["later"]) }] });
		const now = (await collect(listFiles({ ...auth, repo: s.repo }))).map((e) => e.path);
		const then = (await collect(listFiles({ ...auth, repo: s.repo, revision: s.commitOid }))).map((e) => e.path);
		assert.ok(now.includes("later.txt"));
		assert.ok(!then.includes("later.txt"));
		assert.ok(then.includes("config.json"));
	});
});

describe("pathsInfo", () => {
	it("returns entries for existing paths only (files and directories)", async (t) => {
		const s = await seedRepo(t, { label: "pi" });
		const infos = await pathsInfo({
			...auth, repo: s.repo, paths: ["config.json", "weights/model.bin", "docs", "missing.txt", "docs/nope.md"],
		});
		const m = byPath(infos);
		assert.deepEqual(Object.keys(m).sort(), ["config.json", "docs", "weights/model.bin"]);
		assert.equal(m["config.json"].type, "file");
		assert.equal(m["config.json"].size, s.files["config.json"].length);
		assert.equal(m["config.json"].oid, gitBlobSha1(s.files["config.json"]));
		assert.equal(m["config.json"].lfs, undefined);
		assert.equal(m["docs"].type, "directory");
		const bin = s.files["weights/model.bin"];
		assert.equal(m["weights/model.bin"].size, bin.length);
		assert.equal(m["weights/model.bin"].lfs?.oid, sha256Hex(bin));
		assert.equal(m["weights/model.bin"].lfs?.size, bin.length);
		assert.equal(m["config.json"].lastCommit, undefined, "no lastCommit without expand");
	});

	it("expand: true adds lastCommit (id, title, date)", async (t) => {
		const s = await seedRepo(t, { label: "pi-expand" });
		const infos = await pathsInfo({ ...auth, repo: s.repo, paths: ["notes.txt", "weights/model.bin"], expand: true });
		assert.equal(infos.length, 2);
		for (const info of infos) {
			assert.ok(info.lastCommit, `${info.path} lastCommit`);
			assert.equal(info.lastCommit.id, s.commitOid);
			assert.equal(info.lastCommit.title, s.title);
			assert.ok(info.lastCommit.date instanceof Date && !Number.isNaN(info.lastCommit.date.getTime()));
		}
	});

	it("honours the revision (commit sha and branch)", async (t) => {
		const s = await seedRepo(t, { label: "pi-rev" });
		await uploadFiles({ ...auth, repo: s.repo, files: [{ path: "notes.txt", content: new Blob(["changed"]) }] });
		const [old] = await pathsInfo({ ...auth, repo: s.repo, paths: ["notes.txt"], revision: s.commitOid });
		assert.equal(old.oid, gitBlobSha1(s.files["notes.txt"]));
		const [cur] = await pathsInfo({ ...auth, repo: s.repo, paths: ["notes.txt"], revision: "main" });
		assert.equal(cur.oid, gitBlobSha1(Buffer.from("changed")));
	});
});

describe("downloadFile / fileDownloadInfo", () => {
	it("downloads full contents, regular and LFS, also anonymously", async (t) => {
		const s = await seedRepo(t, { label: "dl" });
		for (const [path, bytes] of Object.entries(s.files)) {
			const blob = await downloadFile({ ...auth, repo: s.repo, path });
			assert.equal(blob.size, bytes.length, `${path} blob size`);
			assert.ok((await blobBytes(blob)).equals(bytes), `${path} content`);
			const anon = await downloadFile({ ...hub, repo: s.repo, path });
			assert.ok((await blobBytes(anon)).equals(bytes), `${path} anonymous content`);
		}
	});

	it("byte ranges (Blob.slice) of an LFS and a regular file", async (t) => {
		const s = await seedRepo(t, { label: "range" });
		const bin = s.files["weights/model.bin"];
		const blob = await downloadFile({ ...auth, repo: s.repo, path: "weights/model.bin" });
		const mid = await blobBytes(blob.slice(100_000, 100_100));
		assert.ok(mid.equals(bin.subarray(100_000, 100_100)), "middle slice");
		const tail = await blobBytes(blob.slice(bin.length - 10));
		assert.ok(tail.equals(bin.subarray(bin.length - 10)), "tail slice");
		const cfg = s.files["config.json"];
		const small = await downloadFile({ ...auth, repo: s.repo, path: "config.json" });
		assert.ok((await blobBytes(small.slice(2, 9))).equals(cfg.subarray(2, 9)));
	});

	it("fileDownloadInfo gives size and content etag; null for a missing file", async (t) => {
		const s = await seedRepo(t, { label: "dlinfo" });
		const cfg = s.files["config.json"];
		const info = await fileDownloadInfo({ ...auth, repo: s.repo, path: "config.json" });
		assert.equal(info.size, cfg.length);
		assert.equal(info.etag, `"${gitBlobSha1(cfg)}"`);
		assert.equal(info.xet, undefined);
		assert.ok(info.url.startsWith(HUB_URL), `download url stays on the hub: ${info.url}`);
		const bin = s.files["weights/model.bin"];
		const lfs = await fileDownloadInfo({ ...auth, repo: s.repo, path: "weights/model.bin" });
		assert.equal(lfs.size, bin.length);
		assert.equal(lfs.etag, `"${sha256Hex(bin)}"`);
		const nested = await fileDownloadInfo({ ...auth, repo: s.repo, path: "docs/guide/intro.md" });
		assert.equal(nested.size, s.files["docs/guide/intro.md"].length);

		assert.equal(await fileDownloadInfo({ ...auth, repo: s.repo, path: "missing.txt" }), null);
		assert.equal(await fileDownloadInfo({ ...auth, repo: s.repo, path: "docs/missing.md" }), null);
		assert.equal(await downloadFile({ ...auth, repo: s.repo, path: "missing.txt" }), null);
		assert.equal(await downloadFile({ ...auth, repo: s.repo, path: "missing.txt", raw: true }), null);
	});

	it("a missing revision is an error (404), not a missing file", async (t) => {
		const s = await seedRepo(t, { label: "dlrev" });
		await expectHubError(
			downloadFile({ ...auth, repo: s.repo, path: "config.json", revision: "no-such-branch" }),
			404,
			"downloadFile(missing revision)",
		);
	});

	it("downloads at a commit sha, at HEAD and at main", async (t) => {
		const s = await seedRepo(t, { label: "dlsha" });
		const v2 = Buffer.from("second version\n");
		await uploadFiles({ ...auth, repo: s.repo, files: [{ path: "notes.txt", content: new Blob([v2]) }] });
		const old = await downloadFile({ ...auth, repo: s.repo, path: "notes.txt", revision: s.commitOid });
		assert.ok((await blobBytes(old)).equals(s.files["notes.txt"]));
		for (const revision of ["main", "HEAD", "refs/heads/main", undefined]) {
			const cur = await downloadFile({ ...auth, repo: s.repo, path: "notes.txt", ...(revision && { revision }) });
			assert.ok((await blobBytes(cur)).equals(v2), `revision ${revision}`);
		}
	});
});

describe("fileExists", () => {
	it("true for regular, nested and LFS files; false for missing ones", async (t) => {
		const s = await seedRepo(t, { label: "exists" });
		for (const path of Object.keys(s.files)) {
			assert.equal(await fileExists({ ...auth, repo: s.repo, path }), true, path);
		}
		assert.equal(await fileExists({ ...hub, repo: s.repo, path: "config.json" }), true, "anonymous");
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "missing.txt" }), false);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "docs/guide/missing.md" }), false);
		await commit({
			...auth, repo: s.repo, title: "Add late", operations: [{ operation: "addOrUpdate", path: "late.txt", content: new Blob(["l"]) }],
		});
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "late.txt" }), true);
		assert.equal(await fileExists({ ...auth, repo: s.repo, path: "late.txt", revision: s.commitOid }), false);
	});
});

describe("snapshotDownload", () => {
	async function walkFiles(root) {
		const out = [];
		async function walk(dir) {
			for (const ent of await readdir(dir, { withFileTypes: true })) {
				const p = join(dir, ent.name);
				if (ent.isDirectory()) await walk(p);
				else out.push(relative(root, p));
			}
		}
		await walk(root);
		return out.sort();
	}

	for (const type of ["model", "dataset"]) {
		it(`downloads every file of a ${type} byte-identically into cacheDir`, async (t) => {
			const s = await seedRepo(t, { type, label: `snap-${type}` });
			const cacheDir = await mkdtemp(join(tmpdir(), "arbor-compat-js-"));
			t.after(() => rm(cacheDir, { recursive: true, force: true }));
			const debug = console.debug;
			console.debug = () => {}; // the library logs every download
			let folder;
			try {
				folder = await snapshotDownload({ ...auth, repo: s.repo, cacheDir });
			} finally {
				console.debug = debug;
			}
			const storage = join(cacheDir, `${type}s--${s.name.replace("/", "--")}`);
			assert.equal(folder, join(storage, "snapshots", s.commitOid));
			assert.equal((await readFile(join(storage, "refs", "main"), "utf8")), s.commitOid);

			const remote = (await collect(listFiles({ ...auth, repo: s.repo, recursive: true })))
				.filter((e) => e.type === "file");
			const local = await walkFiles(folder);
			assert.deepEqual(local, remote.map((e) => e.path).sort(), "same set of files as listFiles");
			for (const entry of remote) {
				const onDisk = await readFile(join(folder, entry.path));
				const expected = s.files[entry.path] ?? (await blobBytes(await downloadFile({ ...auth, repo: s.repo, path: entry.path })));
				assert.ok(onDisk.equals(expected), `${entry.path} byte-identical`);
				assert.equal((await stat(join(folder, entry.path))).size, entry.size);
				assert.ok((await lstat(join(folder, entry.path))).isSymbolicLink(), "snapshot entries link to blobs/");
				const blobName = entry.lfs ? entry.lfs.oid : entry.oid;
				assert.ok((await readFile(join(storage, "blobs", blobName))).equals(onDisk), `blobs/${blobName}`);
			}
		});
	}
});
