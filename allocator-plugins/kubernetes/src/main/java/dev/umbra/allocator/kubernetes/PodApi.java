package dev.umbra.allocator.kubernetes;

import dev.umbra.allocator.AllocatorException;
import dev.umbra.allocator.AllocatorException.Reason;
import dev.umbra.allocator.Target.PodContainer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two API calls the allocator makes: get a pod, and PATCH its {@code resize} subresource.
 * fabric8 8.0 has no typed call for {@code pods/resize}, so the PATCH goes through the client's
 * own HTTP client (same authentication, TLS and interceptors). Failures become {@link
 * AllocatorException}s naming the verb and resource a role would have to grant.
 */
final class PodApi {

  static final String RBAC_MANIFEST = "deploy/kubernetes/rbac-pods-resize.yaml";
  private static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";

  private final KubernetesClient client;
  private final Duration timeout;

  PodApi(KubernetesClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  Pod get(PodContainer target) throws AllocatorException {
    Pod pod;
    try {
      pod = client.pods().inNamespace(target.namespace()).withName(target.pod()).get();
    } catch (KubernetesClientException e) {
      // fabric8 reports a failure to connect as code -1 (or 0) with the IOException as cause.
      throw translate(e.getCode(), e.getStatus(), e, "get", "pods", target);
    }
    if (pod == null) {
      throw new AllocatorException(Reason.TARGET_GONE, "pod " + target.namespace() + "/" + target.pod() + " not found");
    }
    return pod;
  }

  Pod patchResize(PodContainer target, String patch) throws AllocatorException {
    String url = client.getMasterUrl().toString().replaceAll("/+$", "")
        + "/api/v1/namespaces/" + target.namespace() + "/pods/" + target.pod() + "/resize";
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(url)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .patch(STRATEGIC_MERGE, patch)
        .build();
    HttpResponse<String> response;
    try {
      response = client.getHttpClient().sendAsync(request, String.class).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AllocatorException(Reason.FAILED, "interrupted while patching pods/resize of " + describe(target), e);
    } catch (TimeoutException e) {
      throw new AllocatorException(Reason.UNREACHABLE, "the API server " + client.getMasterUrl() + " did not answer the resize of "
          + describe(target) + " within " + timeout.toMillis() + " ms; it may or may not have recorded it, so read the pod before retrying", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new AllocatorException(Reason.UNREACHABLE, "the API server " + client.getMasterUrl() + " is unreachable, nothing applied to "
          + describe(target) + ": " + cause, cause);
    }
    if (response.isSuccessful()) {
      return client.getKubernetesSerialization().unmarshal(response.body(), Pod.class);
    }
    Status status = parseStatus(response.body());
    throw translate(response.code(), status, null, "patch", "pods/resize", target);
  }

  private Status parseStatus(String body) {
    try {
      return body == null || body.isBlank() ? null : client.getKubernetesSerialization().unmarshal(body, Status.class);
    } catch (RuntimeException e) {
      return null; // not a Status: the code says enough
    }
  }

  private AllocatorException translate(int code, Status status, Exception cause, String verb, String resource, PodContainer target) {
    String serverSays = status != null && status.getMessage() != null ? ": " + status.getMessage() : "";
    String where = " in namespace " + target.namespace();
    return switch (code) {
      case 401 -> new AllocatorException(Reason.FORBIDDEN, "the API server rejected our credentials (401) for " + verb + " "
          + resource + where + serverSays, cause);
      case 403 -> new AllocatorException(Reason.FORBIDDEN, "forbidden: the service account may not " + verb + " " + resource + where
          + "; grant verb '" + verb + "' on resource '" + resource + "' (see " + RBAC_MANIFEST + ")" + serverSays, cause);
      case 404 -> status != null && status.getDetails() != null && target.pod().equals(status.getDetails().getName())
          ? new AllocatorException(Reason.TARGET_GONE, "pod " + describe(target) + " not found" + serverSays, cause)
          : new AllocatorException(Reason.UNAVAILABLE_HERE, "the API server does not serve " + resource + " (in-place resize needs "
              + "Kubernetes 1.33 or newer; use mode=recommend on older clusters)" + serverSays, cause);
      case 409, 422 -> new AllocatorException(Reason.REJECTED, "the API server refused to " + verb + " " + resource + " of "
          + describe(target) + " (" + code + ")" + serverSays, cause);
      case 0, -1 -> new AllocatorException(Reason.UNREACHABLE, "the API server " + client.getMasterUrl() + " is unreachable, nothing "
          + (verb.equals("get") ? "read" : "applied") + " for " + describe(target) + ": " + rootCause(cause), cause);
      default -> new AllocatorException(Reason.FAILED, verb + " " + resource + " of " + describe(target) + " failed with HTTP "
          + code + serverSays, cause);
    };
  }

  /** The network-level cause (ConnectException, UnknownHostException, a timeout), else the deepest one. */
  private static String rootCause(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getClass().getName().startsWith("java.net.")) {
        return t.toString();
      }
      deepest = t;
    }
    return String.valueOf(deepest);
  }

  static String describe(PodContainer target) {
    return target.namespace() + "/" + target.pod() + " container " + target.container();
  }
}
