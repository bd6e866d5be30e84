package org.arbor.service;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the common Hub licence ids allow and require, as standard readings of their texts (the
 * licence attribute matrix of the trust reference): commercial use, derivatives, attribution,
 * share-alike or flow-down of restrictions, and use-based restrictions. Not legal advice: the
 * summary says to read the text where the reading is conditional.
 */
public final class Licences {
  /** One licence's reading. {@code commercial} is yes, no, conditional or research-only. */
  public record Licence(String id, String name, String commercial, boolean derivatives, boolean attribution,
      String shareAlike, String useRestrictions, String summary) {}

  private static final Map<String, Licence> KNOWN = new HashMap<>();

  static {
    permissive("Apache License 2.0", "keep the licence, the NOTICE file and change notices; includes a patent grant",
        "apache-2.0");
    permissive("MIT License", "keep the copyright and permission notice", "mit");
    permissive("BSD licence", "keep the copyright notice and disclaimer", "bsd-2-clause", "bsd-3-clause",
        "bsd-3-clause-clear", "bsd", "isc", "zlib", "postgresql", "ncsa", "afl-3.0", "bsl-1.0", "ecl-2.0");
    add(new Licence("cc0-1.0", "Public domain dedication", "yes", true, false, null, null,
        "No conditions: use, change and share freely."));
    for (String id : new String[] {"unlicense", "wtfpl", "pddl"}) {
      add(new Licence(id, "Public-domain-like licence", "yes", true, false, null, null,
          "No conditions: use, change and share freely."));
    }
    for (String v : new String[] {"2.0", "2.5", "3.0", "4.0"}) {
      add(new Licence("cc-by-" + v, "Creative Commons Attribution " + v, "yes", true, true, null, null,
          "Use, change and share, crediting the authors."));
    }
    for (String v : new String[] {"3.0", "4.0"}) {
      add(new Licence("cc-by-sa-" + v, "Creative Commons Attribution-ShareAlike " + v, "yes", true, true,
          "derivatives under CC BY-SA", null, "Credit the authors; share derivatives under the same licence."));
      add(new Licence("cc-by-nc-nd-" + v, "Creative Commons Attribution-NonCommercial-NoDerivatives " + v, "no",
          false, true, null, null, "Non-commercial use only; do not share modified versions."));
    }
    for (String v : new String[] {"2.0", "3.0", "4.0"}) {
      add(new Licence("cc-by-nc-" + v, "Creative Commons Attribution-NonCommercial " + v, "no", true, true,
          "non-commercial terms persist", null, "Non-commercial use only, crediting the authors."));
      add(new Licence("cc-by-nc-sa-" + v, "Creative Commons Attribution-NonCommercial-ShareAlike " + v, "no", true,
          true, "derivatives under CC BY-NC-SA", null, "Non-commercial use only; share derivatives alike."));
    }
    add(new Licence("cc-by-nd-4.0", "Creative Commons Attribution-NoDerivatives 4.0", "yes", false, true, null, null,
        "Use and share unchanged, crediting the authors; do not share modified versions."));
    for (String id : new String[] {"gpl-2.0", "gpl-3.0", "agpl-3.0", "gpl", "eupl-1.2", "osl-3.0"}) {
      add(new Licence(id, "GNU/copyleft licence (" + id + ")", "yes", true, true, "derivatives under the same licence",
          null, "Share changes under the same licence" + (id.startsWith("agpl") ? ", also when served over a network."
              : ".")));
    }
    for (String id : new String[] {"mpl-2.0", "lgpl-2.1", "lgpl-3.0", "lgpl", "epl-2.0"}) {
      add(new Licence(id, "Weak copyleft licence (" + id + ")", "yes", true, true, "modified files stay under it",
          null, "Modified covered files stay under the same licence."));
    }
    for (String id : new String[] {"openrail", "creativeml-openrail-m", "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0", "bigcode-openrail-m", "openrail++"}) {
      add(new Licence(id, "Open RAIL licence (" + id + ")", "yes", true, true,
          "use restrictions flow down to derivatives", "Attachment A use-based restrictions",
          "Use is allowed except the restricted uses; derivatives must carry the same restrictions."));
    }
    for (String id : new String[] {"llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"}) {
      add(new Licence(id, "Meta " + id.replace("llama", "Llama ") + " Community Licence", "conditional", true, true,
          "the agreement flows down", "Acceptable Use Policy",
          "Free below 700 million monthly users; include the licence and the \"Built with Llama\" notice"
              + (id.equals("llama3.2") || id.equals("llama3.3") || id.equals("llama4")
                  ? "; multimodal rights exclude the EU." : ".")));
    }
    add(new Licence("gemma", "Gemma Terms of Use", "yes", true, true, "use restrictions flow down",
        "Gemma Prohibited Use Policy", "Keep the terms and notice; derivatives (even distilled) carry the restrictions."));
    for (String id : new String[] {"deepfloyd-if-license", "fair-noncommercial-research-license", "apple-amlr"}) {
      add(new Licence(id, "Research-only licence (" + id + ")", "research-only", true, true, "stays research-only",
          "research use only", "Research and non-commercial use only; read the licence text."));
    }
  }

  private Licences() {}

  /** The reading of a Hub licence id, or empty for unknown, other and custom licences. */
  public static Optional<Licence> of(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(KNOWN.get(id.toLowerCase(Locale.ROOT)));
  }

  private static void permissive(String name, String duty, String... ids) {
    for (String id : ids) {
      add(new Licence(id, name, "yes", true, true, null, null, "Use, change and share freely; " + duty + "."));
    }
  }

  private static void add(Licence licence) {
    KNOWN.put(licence.id(), licence);
  }
}
