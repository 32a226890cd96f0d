module readstate-lab/references/go-lru

go 1.19

require (
	github.com/HdrHistogram/hdrhistogram-go v1.1.2
	github.com/mattn/go-sqlite3 v1.14.39
)
