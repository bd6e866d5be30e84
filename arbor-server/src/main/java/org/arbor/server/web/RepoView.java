package org.arbor.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.arbor.core.RepoType;
import org.arbor.service.FileFormats;
import org.arbor.service.Licences;
import org.arbor.service.Lineage;
import org.arbor.service.RepoFiles;
import org.arbor.service.RepoInfo;
import org.arbor.service.Sibling;

/**
 * Everything a repository page shows beside its card: the licence and what it asks, the
 * weights, formats, security verdict, gating, the model tree, popularity and how to use it.
 */
public record RepoView(RepoInfo info, String cardHtml, String licenceId, Optional<Licences.Licence> licence,
    RepoFiles.SecuritySummary security, Lineage.Tree lineage, String baseUrl) {

  public String path() {
    return "/" + info.type().urlPrefix() + info.id();
  }

  public boolean isModel() {
    return info.type() == RepoType.MODEL;
  }

  public long parameters() {
    if (info.weights() == null) {
      return -1;
    }
    if (info.weights().safetensors() != null) {
      return info.weights().safetensors().total();
    }
    return info.weights().gguf() != null ? info.weights().gguf().total() : -1;
  }

  /** Parameter counts per dtype (safetensors), largest first. */
  public List<Map.Entry<String, Long>> dtypes() {
    if (info.weights() == null || info.weights().safetensors() == null) {
      return List.of();
    }
    List<Map.Entry<String, Long>> out = new ArrayList<>(info.weights().safetensors().parameters().entrySet());
    out.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    return out;
  }

  /** File formats present, from file names, named as the search facets name them. */
  public List<String> formats() {
    return FileFormats.in(info.type().singular(), info.siblings().stream().map(Sibling::rfilename).toList());
  }


  public long totalBytes() {
    return info.siblings().stream().mapToLong(s -> Math.max(0, s.size())).sum();
  }

  public String autoClass() {
    var t = info.weights() == null ? null : info.weights().transformersInfo();
    return t != null && t.autoModel() != null ? t.autoModel() : "AutoModel";
  }

  /** The snippets of "use this repository", each as {label, code}. */
  public List<String[]> snippets() {
    String id = info.id().toString();
    List<String[]> out = new ArrayList<>();
    if (isModel()) {
      out.add(new String[] {"huggingface_hub", "from huggingface_hub import snapshot_download\n\n"
          + "path = snapshot_download(\"" + id + "\", endpoint=\"" + baseUrl + "\")"});
      out.add(new String[] {"transformers", "import os\nos.environ[\"HF_ENDPOINT\"] = \"" + baseUrl + "\"\n\n"
          + "from transformers import " + autoClass() + "\n\nmodel = " + autoClass() + ".from_pretrained(\"" + id
          + "\")"});
    } else {
      out.add(new String[] {"datasets", "import os\nos.environ[\"HF_ENDPOINT\"] = \"" + baseUrl + "\"\n\n"
          + "from datasets import load_dataset\n\nds = load_dataset(\"" + id + "\")"});
    }
    out.add(new String[] {"git", "git lfs install\ngit clone " + baseUrl + path()});
    return out;
  }
}
