module pushlab/bench/peers/goserver

go 1.19
