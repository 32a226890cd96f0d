module readstate-lab/references/load-driver

go 1.22
