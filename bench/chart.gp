# Chart of one bench/run.sh run. Variables: datafile, output, clients, stamp.
set terminal pngcairo size 1100,480 font "DejaVu Sans,10"
set output output
set multiplot layout 1,2 title sprintf("PushLab vs Nchan vs Go — %s clients, loopback, 2 cores (%s)", clients, stamp)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key below horizontal
set ylabel "ms (lower is better)"
set title "One message reaches every client: p50 / p99"
set yrange [0:*]
plot datafile using 2:xtic(1) title "SSE p50" lc rgb "#2e7d32", \
     '' using 3 title "SSE p99" lc rgb "#81c784", \
     '' using 4 title "Long poll p50" lc rgb "#1565c0", \
     '' using 5 title "Long poll p99" lc rgb "#90caf9"
set ylabel "requests per second (higher is better)"
set title "Short poll, keep-alive connections"
set key off
set format y "%.0s%c"
plot datafile using 6:xtic(7) lc rgb "#ef6c00"
unset multiplot
