#!/bin/sh
# Prepares a Temporal namespace for show-control with the Temporal CLI: waits for the cluster,
# creates the namespace when it is missing and registers the machine search attributes
# (workflows/machine/contract.ts). Safe to run again: an attribute that exists with the same
# type is left as it is; one that exists with another type is an error.
#
# docker-compose.yml runs it in temporalio/admin-tools; against any other self-hosted cluster:
#   TEMPORAL_ADDRESS=temporal.example.org:7233 TEMPORAL_NAMESPACE=venue sh deploy/temporal-init.sh
# The CLI reads the connection from the standard TEMPORAL_* variables (TEMPORAL_TLS_*, TEMPORAL_API_KEY).
# Temporal Cloud manages namespaces and search attributes through tcld or its web console instead.
set -eu

namespace=${TEMPORAL_NAMESPACE:-default}
retention=${NAMESPACE_RETENTION:-72h}
attempts=${TEMPORAL_INIT_ATTEMPTS:-60}
# Name=Type pairs, the same syntax as `temporal server start-dev --search-attribute`.
search_attributes=${SEARCH_ATTRIBUTES:-MachineId=Keyword MachineGroup=Keyword DesiredPower=Keyword ObservedPower=Keyword MachineHealth=Keyword ControlMode=Keyword AspectsInWantedState=Keyword}

# A fresh cluster answers health before its namespace registry has caught up: retry each step.
retry() {
  what=$1
  shift
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "gave up after $attempts attempts: $what" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

namespace_ready() {
  temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1 ||
    temporal operator namespace create --namespace "$namespace" --retention "$retention"
}

retry "Temporal at ${TEMPORAL_ADDRESS:-127.0.0.1:7233} is healthy" temporal operator cluster health
retry "namespace $namespace exists" namespace_ready
for pair in $search_attributes; do
  name=${pair%%=*}
  type=${pair#*=}
  retry "search attribute $name ($type) in $namespace" \
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
done
echo "namespace $namespace is ready with search attributes: $search_attributes"
