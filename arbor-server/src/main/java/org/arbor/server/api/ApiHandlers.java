package org.arbor.server.api;

import org.arbor.service.XetCas;
import org.arbor.service.XetTokens;

import org.arbor.service.Accounts;
import org.arbor.service.AuditLog;
import org.arbor.service.Commits;
import org.arbor.service.Downloads;
import org.arbor.service.Gating;
import org.arbor.service.Likes;
import org.arbor.service.Lineage;
import org.arbor.service.Locks;
import org.arbor.service.Orgs;
import org.arbor.service.RepoFiles;
import org.arbor.service.Repos;
import org.arbor.service.Sessions;
import org.arbor.service.History;
import org.arbor.service.Search;
import org.arbor.service.StorageUsage;
import org.arbor.service.Uploads;
import org.arbor.service.Weights;

/** The handlers of the Hub API, built from the services they call. */
public record ApiHandlers(
    AccountHandler accounts, RepoHandler repos, FilesHandler files, ResolveHandler resolve,
    CommitHandler commits, RefsHandler refs, LfsHandler lfs, LfsLocksHandler locks, WeightsHandler weights,
    OrgHandler orgs, GatingHandler gating, LikesHandler likes, LineageHandler lineage, WebHandler web, PagesHandler pages,
    AccountPagesHandler accountPages, MiscHandler misc, XetHandler xet, StorageHandler storage) {

  public static ApiHandlers of(Accounts accounts, Repos repos, RepoFiles files, Commits commits, Uploads uploads,
      Locks locks, Weights weights, Orgs orgs, AuditLog audit, Gating gating, Likes likes, Lineage lineage, Downloads downloads, Sessions sessions,
      Search search, History history, XetTokens xetTokens, XetCas xetCas, boolean xetEnabled, StorageUsage usage) {
    WebHandler web = new WebHandler(sessions, gating);
    StorageHandler storage = new StorageHandler(usage);
    return new ApiHandlers(
        new AccountHandler(accounts),
        new RepoHandler(repos, files, search, storage, xetEnabled),
        new FilesHandler(files, xetEnabled ? xetCas : null),
        new ResolveHandler(files, downloads, xetEnabled ? xetCas : null),
        new CommitHandler(commits, uploads),
        new RefsHandler(commits),
        new LfsHandler(uploads, xetEnabled ? xetTokens : null),
        new LfsLocksHandler(locks),
        new WeightsHandler(weights, files),
        new OrgHandler(orgs, accounts, audit, sessions),
        new GatingHandler(gating),
        new LikesHandler(likes),
        new LineageHandler(lineage),
        web,
        new PagesHandler(web, repos, files, search, lineage, history, weights, orgs, likes,
            java.time.Clock.systemUTC()),
        new AccountPagesHandler(web, accounts, repos, gating, likes),
        new MiscHandler(),
        new XetHandler(xetTokens, xetCas, xetEnabled),
        storage);
  }
}
