# Metrics: each instance's Prometheus sidecar scrapes the server over localhost and writes to
# Google Cloud Managed Service for Prometheus. Alerts: one Cloud Monitoring policy per rule of
# ../monitoring/alerts.yml, evaluated with PromQL, so a self-run Prometheus and this deployment
# share one rule file.
resource "google_secret_manager_secret" "run_monitoring" {
  secret_id = "trove-run-monitoring"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "run_monitoring" {
  secret      = google_secret_manager_secret.run_monitoring.id
  secret_data = templatefile("${path.module}/run-monitoring.yaml.tftpl", { metrics_port = var.metrics_port })
}

resource "google_secret_manager_secret_iam_member" "run_monitoring_reader" {
  for_each  = local.service_accounts
  secret_id = google_secret_manager_secret.run_monitoring.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${each.value.email}"
}

locals {
  alert_rules = flatten([for group in yamldecode(file("${path.module}/../monitoring/alerts.yml")).groups : [
    for rule in group.rules : merge(rule, { group = group.name })
  ]])
  # Cloud Monitoring's severities for the rules' severity label.
  alert_severity = { critical = "CRITICAL", warning = "WARNING", info = "WARNING" }
}

resource "google_monitoring_alert_policy" "trove" {
  for_each     = { for rule in local.alert_rules : rule.alert => rule }
  display_name = "Trove: ${each.value.annotations.summary}"
  combiner     = "OR"
  severity     = local.alert_severity[each.value.labels.severity]

  conditions {
    display_name = each.key
    condition_prometheus_query_language {
      query               = each.value.expr
      duration            = "${tonumber(trimsuffix(each.value["for"], "m")) * 60}s"
      evaluation_interval = "60s"
      alert_rule          = each.key
      rule_group          = each.value.group
      labels              = each.value.labels
    }
  }

  documentation {
    content   = each.value.annotations.description
    mime_type = "text/markdown"
  }

  notification_channels = var.alert_notification_channels
  depends_on            = [google_project_service.apis]
}
