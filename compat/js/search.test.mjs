// listModels / listDatasets: search text, tags (prefixed filters), task, sort, and privacy.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { commit, listDatasets, listModels } from "@huggingface/hub";
import { HUB_URL, TOKEN, OTHER_TOKEN, hub, auth, makeRepo, randomSuffix, collect } from "./helpers.mjs";

async function withCard(t, { type = "model", label, card, ...extra }) {
	const created = await makeRepo(t, { type, label, ...extra });
	await commit({
		hubUrl: HUB_URL, accessToken: TOKEN, repo: created.repo, title: "card",
		operations: [{ operation: "addOrUpdate", path: "README.md", content: new Blob([`---\n${card}---\nCard.\n`]) }],
	});
	return created.name;
}

describe("listModels", () => {
	it("finds by id text, exact id first, tags and task combined, private ones only for their owner", async (t) => {
		const word = `js${randomSuffix(10)}`;
		const chat = await withCard(t, { label: `${word}-chat`,
			card: "license: mit\nlanguage: [en]\npipeline_tag: text-generation\n" });
		const fr = await withCard(t, { label: `${word}-fr`, card: "license: apache-2.0\nlanguage: [fr]\n" });
		const secret = await withCard(t, { label: `${word}-secret`, card: "license: mit\n", private: true });

		const exact = await collect(listModels({ ...hub, search: { query: chat } }));
		assert.equal(exact[0].name, chat);

		const anon = (await collect(listModels({ ...hub, search: { query: word } }))).map((m) => m.name);
		assert.deepEqual(anon.sort(), [chat, fr].sort());
		const mine = (await collect(listModels({ ...auth, search: { query: word } }))).map((m) => m.name);
		assert.deepEqual(mine.sort(), [chat, fr, secret].sort());
		const other = (await collect(listModels({ hubUrl: HUB_URL, accessToken: OTHER_TOKEN, search: { query: word } })))
			.map((m) => m.name);
		assert.ok(!other.includes(secret), "another user must not find a private repo");

		const tagged = await collect(listModels({ ...hub, search: { query: word, tags: ["license:mit", "language:en"] } }));
		assert.deepEqual(tagged.map((m) => m.name), [chat]);
		const task = await collect(listModels({ ...hub, search: { query: word, task: "text-generation" } }));
		assert.deepEqual(task.map((m) => m.name), [chat]);
		assert.equal(task[0].task, "text-generation");
	});

	it("sorts by likes and honours limit across the Link pages", async (t) => {
		const word = `js${randomSuffix(10)}`;
		const names = [];
		for (let i = 0; i < 3; i++) {
			names.push((await makeRepo(t, { label: `${word}-${i}` })).name);
		}
		const res = await fetch(`${HUB_URL}/api/models/${names[2]}/like`, {
			method: "POST", headers: { Authorization: `Bearer ${OTHER_TOKEN}` },
		});
		assert.equal(res.status, 200);
		const byLikes = await collect(listModels({ ...hub, search: { query: word }, sort: "likes" }));
		assert.equal(byLikes[0].name, names[2]);
		assert.equal(byLikes[0].likes, 1);
		const two = await collect(listModels({ ...hub, search: { query: word }, sort: "likes", limit: 2 }));
		assert.deepEqual(two.map((m) => m.name), byLikes.slice(0, 2).map((m) => m.name));
	});
});

describe("listDatasets", () => {
	it("searches datasets apart from models, with language filters", async (t) => {
		const word = `js${randomSuffix(10)}`;
		const table = await withCard(t, { type: "dataset", label: `${word}-table`, card: "language: [fr]\n" });
		await makeRepo(t, { label: `${word}-model` });
		const found = await collect(listDatasets({ ...hub, search: { query: word } }));
		assert.deepEqual(found.map((d) => d.name), [table]);
		const fr = await collect(listDatasets({ ...hub, search: { query: word, tags: ["language:fr"] } }));
		assert.deepEqual(fr.map((d) => d.name), [table]);
		assert.deepEqual(await collect(listDatasets({ ...hub, search: { query: word, tags: ["language:en"] } })), []);
	});
});
