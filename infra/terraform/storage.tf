# Originals, thumbnails and previews under {user}/{upload}/. Private: browsers get 5-minute V4
# links. When Trove purges a deleted file (after TROVE_RETENTION_DAYS), its objects become
# noncurrent versions, kept purged_object_retention_days for recovery, then deleted by the bucket.
resource "google_storage_bucket" "files" {
  name                        = local.bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Versioning already keeps purged bytes; a second soft-delete window would only add cost.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.purged_object_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  # Multipart uploads (XML API) abandoned halfway; Trove's resumable sessions expire by themselves.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # The web UI may fetch a signed link's bytes from script (e.g. to show text); images and video need no CORS.
  cors {
    origin          = ["https://${var.domain}"]
    method          = ["GET", "HEAD"]
    response_header = ["Content-Type", "Content-Range", "Content-Disposition"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.apis]
}
