package dev.umbra.allocator.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server side of {@code pods/resize} for fabric8's mock server. fabric8 8.0.0's {@link
 * KubernetesCrudDispatcher} stores pods but has no route for the {@code resize} subresource (see
 * {@code KubernetesAllocatorTest.crudModeAloneDoesNotRouteResize}), so this dispatcher handles
 * {@code GET}/{@code PATCH .../pods/{name}/resize} itself and passes everything else to the CRUD
 * store. Like the real handler it accepts a strategic merge patch that may change only {@code
 * spec.containers[*].resources}, merges containers by name and resource maps by key, keeps the
 * QoS class of a Guaranteed pod, and leaves {@code status} alone: what the kubelet then does is
 * played by {@link Kubelet}, through the status subresource, as a separate step. It can also deny
 * verbs as RBAC would, and pretend to be a server older than 1.33 that has no resize route.
 *
 * <p>This is a model of the API server written from the Kubernetes documentation, not the API
 * server: the tests prove what we send and how we read answers, not that a real cluster answers
 * the same.
 */
final class ResizeDispatcher extends Dispatcher {

  private static final Pattern RESIZE = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/resize(\\?.*)?");
  private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)(\\?.*)?");

  /** One PATCH to pods/resize as it arrived. */
  record ResizeRequest(String contentType, String body) {}

  final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  final List<ResizeRequest> resizes = new CopyOnWriteArrayList<>();
  /** "verb resource" pairs RBAC denies, for example "patch pods/resize". */
  final Set<String> denied = ConcurrentHashMap.newKeySet();
  volatile boolean servesResize = true;
  private final KubernetesSerialization json = new KubernetesSerialization();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    Matcher resize = RESIZE.matcher(path);
    if (resize.matches()) {
      return resize(request, resize.group(1), resize.group(2));
    }
    Matcher pod = POD.matcher(path);
    if (pod.matches() && request.method() == HttpMethod.GET && denied.contains("get pods")) {
      return forbidden("get", "pods", pod.group(1), pod.group(2));
    }
    return crud.dispatch(request);
  }

  private MockResponse resize(RecordedRequest request, String namespace, String name) {
    if (!servesResize) {
      return status(404, "NotFound", "the server could not find the requested resource", null);
    }
    String verb = request.method().name().toLowerCase(java.util.Locale.ROOT);
    if (denied.contains(verb + " pods/resize")) {
      return forbidden(verb, "pods/resize", namespace, name);
    }
    String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
    MockResponse stored = crud.handleGet(podPath);
    if (stored.code() != 200) {
      return status(404, "NotFound", "pods \"" + name + "\" not found", name);
    }
    if (request.method() == HttpMethod.GET) {
      return stored;
    }
    if (request.method() != HttpMethod.PATCH) {
      return status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", name);
    }
    String contentType = request.getHeader("Content-Type");
    String body = request.getUtf8Body();
    resizes.add(new ResizeRequest(contentType, body));
    if (contentType == null || !contentType.startsWith("application/strategic-merge-patch+json")) {
      return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format", name);
    }
    Pod pod = json.unmarshal(new String(stored.getBody().getBytes(), StandardCharsets.UTF_8), Pod.class);
    Pod patch = json.unmarshal(body, Pod.class);
    for (Container change : patch.getSpec().getContainers()) {
      Container container = pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(change.getName())).findFirst().orElse(null);
      if (container == null) {
        return status(422, "Invalid", "Pod \"" + name + "\" is invalid: spec.containers: no container " + change.getName(), name);
      }
      container.setResources(merge(container.getResources(), change.getResources()));
    }
    if ("Guaranteed".equals(pod.getStatus() == null ? null : pod.getStatus().getQosClass()) && !guaranteed(pod)) {
      return status(422, "Invalid", "Pod \"" + name + "\" is invalid: metadata: Invalid value: \"Guaranteed\": Pod QOS Class may not change as a result of resizing", name);
    }
    // The API server bumps metadata.generation on every spec change, resizes included.
    Long generation = pod.getMetadata().getGeneration();
    pod.getMetadata().setGeneration(generation == null ? 2 : generation + 1);
    RecordedRequest put = new RecordedRequest("HTTP/1.1", HttpMethod.PUT, podPath,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(json.asJson(pod).getBytes(StandardCharsets.UTF_8)));
    return crud.handleUpdate(put);
  }

  private static ResourceRequirements merge(ResourceRequirements into, ResourceRequirements change) {
    ResourceRequirements merged = into == null ? new ResourceRequirements() : into;
    if (change == null) {
      return merged;
    }
    Map<String, Quantity> requests = new HashMap<>(merged.getRequests() == null ? Map.of() : merged.getRequests());
    Map<String, Quantity> limits = new HashMap<>(merged.getLimits() == null ? Map.of() : merged.getLimits());
    if (change.getRequests() != null) {
      requests.putAll(change.getRequests());
    }
    if (change.getLimits() != null) {
      limits.putAll(change.getLimits());
    }
    merged.setRequests(requests);
    merged.setLimits(limits);
    return merged;
  }

  private static boolean guaranteed(Pod pod) {
    for (Container c : pod.getSpec().getContainers()) {
      for (String resource : List.of("cpu", "memory")) {
        Quantity request = c.getResources().getRequests().get(resource);
        Quantity limit = c.getResources().getLimits().get(resource);
        if (limit == null || (request != null && request.getNumericalAmount().compareTo(limit.getNumericalAmount()) != 0)) {
          return false;
        }
      }
    }
    return true;
  }

  private MockResponse forbidden(String verb, String resource, String namespace, String name) {
    String[] parts = resource.split("/");
    String message = "pods \"" + name + "\" is forbidden: User \"system:serviceaccount:umbra:umbra-shadow\" cannot " + verb
        + " resource \"" + parts[0] + (parts.length > 1 ? "/" + parts[1] : "") + "\" in API group \"\" in the namespace \"" + namespace + "\"";
    return status(403, "Forbidden", message, name);
  }

  private static MockResponse status(int code, String reason, String message, String name) {
    String details = name == null ? "" : ",\"details\":{\"name\":\"" + name + "\",\"kind\":\"pods\"}";
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":"
            + quote(message) + ",\"reason\":\"" + reason + "\"" + details + ",\"code\":" + code + "}");
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
