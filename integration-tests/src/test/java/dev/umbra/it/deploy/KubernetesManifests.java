package dev.umbra.it.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kubernetes YAML offline into fabric8's API model (generated from the Kubernetes OpenAPI
 * schema) and reports what the API server would refuse or silently drop: an unknown kind, a value
 * of the wrong type, an unknown field (fabric8 keeps those in {@code additionalProperties}
 * instead of failing), an unparsable quantity.
 */
final class KubernetesManifests {
  private static final KubernetesSerialization serialization = new KubernetesSerialization();

  private KubernetesManifests() {}

  /** Every document of a multi-document YAML file, strictly parsed; throws naming the problem. */
  static List<HasMetadata> parse(String yaml, String source) {
    List<HasMetadata> resources = new ArrayList<>();
    int index = 0;
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      index++;
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      String where = source + " document " + index;
      KubernetesResource parsed;
      try {
        parsed = serialization.unmarshal(doc, KubernetesResource.class);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      if (!(parsed instanceof HasMetadata resource) || parsed instanceof GenericKubernetesResource) {
        throw new IllegalArgumentException(where + ": not a kind the Kubernetes API model knows: "
            + (parsed instanceof HasMetadata h ? h.getApiVersion() + "/" + h.getKind() : String.valueOf(parsed)));
      }
      List<String> problems = new ArrayList<>();
      walk(parsed, resource.getKind() + "/" + resource.getMetadata().getName(), problems, new IdentityHashMap<>());
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(where + ": " + String.join("; ", problems));
      }
      resources.add(resource);
    }
    return resources;
  }

  private static void walk(Object o, String path, List<String> problems, Map<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, problems, seen));
      return;
    }
    if (o instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (o instanceof Quantity q) {
      try {
        Quantity.getAmountInBytes(q);
      } catch (RuntimeException e) {
        problems.add(path + ": '" + q + "' is not a quantity");
      }
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : o.getClass().getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !name.startsWith("get")
          || name.equals("getClass") || !getter.getDeclaringClass().getName().startsWith("io.fabric8")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (name.equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown field(s) " + Set.copyOf(extra.keySet()));
        }
        continue;
      }
      walk(value, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), problems, seen);
    }
  }
}
