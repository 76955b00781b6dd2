#!/bin/sh
# The container's two jobs: `dailybrief daily` every day at DAILYBRIEF_DAILY_AT (HH:MM or HH:MM:SS,
# container time; TZ sets the zone) in the background, and the editor app in the foreground.
# Secrets stay in the environment: nothing is written to disk. `daily` takes its own lock, so a
# run started by hand (docker exec … dailybrief daily) at the same time exits saying so.
set -eu

next_run() {
    now=$(date +%s)
    next=$(date -d "today $DAILYBRIEF_DAILY_AT" +%s)
    if [ "$next" -le "$now" ]; then
        next=$(date -d "tomorrow $DAILYBRIEF_DAILY_AT" +%s)
    fi
    echo $((next - now))
}

daily_loop() {
    while true; do
        sleep "$(next_run)"
        echo "dailybrief daily: starting at $(date -Iseconds)"
        dailybrief daily --config "$DAILYBRIEF_CONFIG" --db "$DAILYBRIEF_DB" \
            || echo "dailybrief daily: exit code $? at $(date -Iseconds)"
    done
}

date -d "today $DAILYBRIEF_DAILY_AT" >/dev/null 2>&1 \
    || { echo "DAILYBRIEF_DAILY_AT must be HH:MM, got '$DAILYBRIEF_DAILY_AT'" >&2; exit 2; }
if [ ! -f "$DAILYBRIEF_CONFIG" ]; then
    dailybrief init "$DAILYBRIEF_CONFIG"
    echo "edit $DAILYBRIEF_CONFIG ([brief], [theme], [[source]], [[publish]]); the daily job reads it each morning"
fi
if [ ! -f "$DAILYBRIEF_DB" ]; then
    python -c "import sys; from dailybrief.store.archive import Archive; Archive(sys.argv[1]).close()" "$DAILYBRIEF_DB"
    echo "new archive $DAILYBRIEF_DB: add an editor with: dailybrief user add NAME --db $DAILYBRIEF_DB"
fi
daily_loop &
exec dailybrief serve --db "$DAILYBRIEF_DB" --host 0.0.0.0 --port 8000 --out "$(dirname "$DAILYBRIEF_DB")/published"
