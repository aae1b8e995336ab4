from lienhe.documents.models import ExportJob
from tests.matrix import Case, only


def _job_of_province_staff(cast):
    job = ExportJob.objects.filter(user=cast.users["province_staff"]).first()
    if job is None:
        job = ExportJob.objects.create(
            user=cast.users["province_staff"],
            title="Danh sách đảng viên",
            exporter="MemberExporter",
            permission="members:export",
            path="/dang-vien/xuat/",
            state=ExportJob.State.DONE,
            total=1,
            done=1,
            filename="dang-vien.csv",
            fmt="csv",
            content=b"\xef\xbb\xbfa\r\n",
        )
    return {"pk": job.pk}


CASES = [
    # A background export belongs to the user who asked for it: 404 for everybody else.
    Case("documents:export_job", only({"province_staff": 200}, 404), kwargs=_job_of_province_staff),
    Case(
        "documents:export_download",
        only({"province_staff": 200}, 404),
        kwargs=_job_of_province_staff,
    ),
]
