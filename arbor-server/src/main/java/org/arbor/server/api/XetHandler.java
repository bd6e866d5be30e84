package org.arbor.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.HubException;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.service.XetCas;
import org.arbor.service.XetTokens;

/**
 * The Xet protocol's HTTP face: the token routes under the Hub API
 * ({@code /api/T/ns/name/xet-read-token|xet-write-token/{rev}}) and the CAS API under
 * {@code /xet} (chunks, xorbs, shards, reconstructions, signed xorb ranges). While the instance
 * has Xet off, the token routes answer 501 with what to do, so clients never start a Xet transfer.
 */
final class XetHandler {
  private final XetTokens tokens;
  private final XetCas cas;
  private final boolean enabled;

  XetHandler(XetTokens tokens, XetCas cas, boolean enabled) {
    this.tokens = tokens;
    this.cas = cas;
    this.enabled = enabled;
  }

  /** Both answers the clients read: a JSON body (hf_xet, JS) and {@code X-Xet-*} headers (huggingface_hub). */
  void token(Exchange ex, RepoType type, RepoId id, String revision, boolean write) throws IOException {
    if (!enabled) {
      throw HubException.notImplemented("This Arbor server does not speak the Xet protocol yet. "
          + "Set HF_HUB_DISABLE_XET=1 in your environment so huggingface_hub uses LFS uploads and downloads.");
    }
    XetTokens.Issued issued = tokens.issue(ex.caller(), type, id, revision, write);
    String casUrl = casUrl(ex);
    ex.header("X-Xet-Cas-Url", casUrl);
    ex.header("X-Xet-Access-Token", issued.token());
    ex.header("X-Xet-Token-Expiration", Long.toString(issued.expires()));
    ex.json(Json.object().put("accessToken", issued.token()).put("exp", issued.expires()).put("casUrl", casUrl));
  }

  /** {@code /xet/v1/...} and {@code /xet/v2/...}; false if no route matches. */
  boolean cas(Exchange ex) throws IOException {
    if (!enabled || ex.segments() < 3) {
      return false;
    }
    String version = ex.raw(1);
    String what = ex.raw(2);
    String method = ex.method();
    if (version.equals("v1") && what.equals("chunks") && ex.segments() == 5 && method.equals("GET")) {
      Optional<byte[]> answer = cas.dedup(bearer(ex), ex.raw(4));
      if (answer.isEmpty()) {
        throw HubException.entryNotFound("No stored xorb holds chunk " + ex.raw(4));
      }
      octets(ex, answer.get());
      return true;
    }
    if (version.equals("v1") && what.equals("xorbs") && ex.segments() == 5 && method.equals("POST")) {
      boolean inserted;
      try (InputStream body = ex.body()) {
        inserted = cas.putXorb(bearer(ex), ex.raw(4), body);
      }
      ex.json(Json.object().put("was_inserted", inserted));
      return true;
    }
    if (version.equals("v1") && what.equals("shards") && ex.segments() == 3 && method.equals("POST")) {
      boolean registered;
      try (InputStream body = ex.body()) {
        registered = cas.putShard(bearer(ex), body);
      }
      ex.json(Json.object().put("result", registered ? 1 : 0));
      return true;
    }
    if (version.equals("v2") && what.equals("reconstructions") && ex.segments() == 4 && method.equals("GET")) {
      reconstruction(ex, cas.reconstruct(bearer(ex), ex.raw(3), ex.header("Range"), casUrl(ex)));
      return true;
    }
    if (version.equals("v1") && what.equals("xorb-data") && ex.segments() == 4 && method.equals("GET")) {
      xorbData(ex);
      return true;
    }
    return false;   // v2 shards and the optional routes: 404, and hf_xet uses the v1 route
  }

  private static void reconstruction(Exchange ex, XetCas.Reconstruction r) throws IOException {
    ObjectNode out = Json.object().put("offset_into_first_range", r.offsetIntoFirstRange());
    ArrayNode terms = out.putArray("terms");
    for (XetCas.Term t : r.terms()) {
      ObjectNode term = terms.addObject().put("hash", t.hash()).put("unpacked_length", t.unpackedLength());
      term.putObject("range").put("start", t.start()).put("end", t.end());
    }
    ObjectNode xorbs = out.putObject("xorbs");
    for (Map.Entry<String, List<XetCas.Fetch>> e : r.fetches().entrySet()) {
      ArrayNode list = xorbs.putArray(e.getKey());
      for (XetCas.Fetch f : e.getValue()) {
        ObjectNode fetch = list.addObject().put("url", f.url());
        ObjectNode range = fetch.putArray("ranges").addObject();
        range.putObject("chunks").put("start", f.chunkStart()).put("end", f.chunkEnd());
        range.putObject("bytes").put("start", f.byteStart()).put("end", f.byteEnd());
      }
    }
    ex.json(out);
  }

  /** A signed range of a stored xorb, always 206 with its Content-Range; no token (the URL is the grant). */
  private void xorbData(Exchange ex) throws IOException {
    long expires;
    try {
      expires = Long.parseLong(String.valueOf(ex.query("exp")));
    } catch (NumberFormatException e) {
      throw HubException.forbidden("This xorb URL is invalid: bad exp");
    }
    XetCas.XorbRange range = cas.xorbData(ex.raw(3), ex.query("r"), expires, ex.query("sig"), ex.header("Range"));
    try (SeekableByteChannel channel = range.channel()) {
      ex.response.setStatus(206);
      ex.response.setContentType("application/octet-stream");
      ex.header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + range.total());
      ex.response.setContentLengthLong(range.last() - range.first() + 1);
      ContentWriter.write(ex, new ByteRange(range.first(), range.last()), channel);
    }
  }

  private static void octets(Exchange ex, byte[] bytes) throws IOException {
    ex.response.setStatus(200);
    ex.response.setContentType("application/octet-stream");
    ex.response.setContentLengthLong(bytes.length);
    try (OutputStream out = ex.response.getOutputStream()) {
      out.write(bytes);
    }
  }

  private static String bearer(Exchange ex) {
    String header = ex.header("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
  }

  static String casUrl(Exchange ex) {
    return ex.baseUrl() + "/xet";
  }
}
