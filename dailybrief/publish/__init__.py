"""Stage 10, publish: a brief's output folder in, deliveries out — each channel gets the brief once.

Takes the folder `dailybrief run` wrote (`package`) and the config's `[[publish]]` channels;
each channel (one module per type, registered through the `dailybrief_publish_channels` hook
like a third-party plugin's) renders what it would send and then sends it. The `runner`
records every delivery in the archive, skips what was already delivered, retries with
backoff and resumes where a failed delivery stopped; `lock` keeps two `daily` jobs apart.
"""
